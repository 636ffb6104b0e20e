/**
 * `backstop validate-events [--events DIR] [--only NAME,…] [--json]`: replays every validation event
 * (config/events/<name>/) through the path engine with the calibrated defaults, the fund limited to
 * its balance as in `backstop stress`, and prints predicted against reported fund change, ADL and
 * their ratio. `--json` prints the comparisons.
 */
import { resolve } from 'node:path';
import { DEFAULT_LEVERAGE_PROFILE } from '../../config/leverage-profile.ts';
import { EVENTS_DIR, loadEvents } from '../../validate/event-library.ts';
import { replayEvents } from '../../validate/replay-event.ts';
import { renderValidation } from '../../validate/validation-text.ts';
import { type CommandIo, ExitCode, parseOptions } from '../io.ts';

const USAGE = `usage: backstop validate-events [--events DIR] [--only NAME,...] [--json]

Replays each validation event (its book, its price path, the fund limited to its balance) through the
path engine with the calibrated defaults and compares the fund's change with what was reported.
  --events DIR      the events folder (default ${EVENTS_DIR})
  --only NAME,...   just these events (and the events their books are carried over from)
  --json            print the comparisons as JSON
`;

/** The `validate-events` command; returns the exit code (0 ok, 2 bad input, 1 failure). */
export async function validateEventsCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseOptions(
    argv,
    {
      events: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    'validate-events',
  );
  if (values.help) {
    io.stdout(USAGE);
    return ExitCode.Ok;
  }
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const events = await loadEvents(resolve(io.cwd, values.events ?? EVENTS_DIR), only);
  const comparisons = replayEvents(events, { leverageProfile: DEFAULT_LEVERAGE_PROFILE });
  io.stdout(values.json ? `${JSON.stringify(comparisons)}\n` : renderValidation(comparisons));
  return ExitCode.Ok;
}
