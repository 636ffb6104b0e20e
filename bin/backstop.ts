/**
 * The CDK app: `npx cdk synth|deploy [-c stage=NAME]`. The only place that reads context, the
 * environment and the config files; everything it reads is validated by lib/deployment-config.ts
 * with the same schema the job uses, and bad input ends synthesis with one line naming the file and
 * the field.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { InvalidInputError } from '../lambda/model/validation.ts';
import { addBackstop } from '../lib/backstop-app.ts';
import { checkStageName, type FundFile, resolveDeployment } from '../lib/deployment-config.ts';

const CONFIG_DIR = fileURLToPath(new URL('../config', import.meta.url));
/** The stage when none is given: never production by accident. */
const DEFAULT_STAGE = 'staging';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InvalidInputError(`${what} ${path}: cannot read file (${code})`, 'file', { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${what} ${path}: not valid JSON (${(error as Error).message})`, 'file', {
      cause: error,
    });
  }
}

function readFundFiles(dir: string): FundFile[] {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return names.map((name) => {
    const path = join(dir, name);
    return { path: `config/funds/${name}`, json: readJson(path, 'fund config') };
  });
}

try {
  const app = new App();
  const stage = checkStageName(String(app.node.tryGetContext('stage') ?? DEFAULT_STAGE));
  const stageJson = readJson(join(CONFIG_DIR, 'stages', `${stage}.json`), 'stage config');
  const deployment = resolveDeployment(stage, stageJson, readFundFiles(join(CONFIG_DIR, 'funds')));
  const env =
    deployment.env ??
    (process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined);
  addBackstop(app, { ...deployment, ...(env === undefined ? {} : { env }) });
  app.synth();
} catch (error) {
  if (!(error instanceof InvalidInputError)) throw error;
  process.stderr.write(`backstop: ${error.message}\n`);
  process.exit(2);
}
