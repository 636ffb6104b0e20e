/**
 * A fake SNS endpoint on 127.0.0.1 for the SDK's query protocol: it records every Publish it accepts
 * (subject and the `messageId` attribute) and can refuse (500) or accept-and-drop (the message is
 * recorded, the answer never arrives — the one at-least-once case) chosen requests. The real
 * SNSClient talks to it through `AWS_ENDPOINT_URL_SNS`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One accepted publish. */
export interface Published {
  readonly subject: string;
  readonly messageId: string;
}

/** What to do to the next publishes. */
export interface SnsRule {
  readonly action: 'fail500' | 'acceptThenDrop' | 'kill';
  times?: number;
}

/** A running fake SNS. */
export interface FakeSns {
  readonly endpoint: string;
  readonly published: Published[];
  setRules(rules: SnsRule[]): void;
  onKill(callback: () => void): void;
  close(): Promise<void>;
}

/** Starts the fake SNS. */
export async function startFakeSns(): Promise<FakeSns> {
  const published: Published[] = [];
  let rules: SnsRule[] = [];
  let killer: () => void = () => {};
  let counter = 0;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const rule = rules.find((r) => (r.times ?? 1) > 0);
    if (rule?.times !== undefined) rule.times -= 1;
    if (rule?.action === 'fail500') {
      res.writeHead(500, { 'content-type': 'text/xml' });
      res.end(
        '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>injected fault</Message></Error><RequestId>x</RequestId></ErrorResponse>',
      );
      return;
    }
    let messageId = '';
    for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
      if (form.get(`MessageAttributes.entry.${i}.Name`) === 'messageId')
        messageId = form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '';
    }
    published.push({ subject: form.get('Subject') ?? '', messageId });
    if (rule?.action === 'acceptThenDrop') {
      res.destroy();
      return;
    }
    if (rule?.action === 'kill') {
      killer();
      return;
    }
    counter += 1;
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${counter}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${counter}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    published,
    setRules: (next) => {
      rules = next.map((r) => ({ ...r }));
    },
    onKill: (callback) => {
      killer = callback;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
