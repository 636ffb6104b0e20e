/**
 * Reads the validation events of a folder (config/events/<name>/event.json and its path file),
 * validates each against its schema, and orders them so an event comes after the event its book is
 * carried over from. Bad files are one-line bad-input errors naming the file and the field.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile } from '../config/load-fund-config.ts';
import { InvalidInputError, parseOrThrow } from '../model/validation.ts';
import type { LoadedEvent } from './event-book.ts';
import { EventSchema } from './event-schema.ts';

/** The shipped events, relative to the repository root. */
export const EVENTS_DIR = 'config/events';

async function loadOne(dir: string, name: string): Promise<LoadedEvent> {
  const file = join(dir, name, 'event.json');
  const event = parseOrThrow(EventSchema, await readJsonFile(file, 'event'), `event ${file}`);
  if (event.name !== name) {
    throw new InvalidInputError(
      `event ${file}: name must be its folder's, got ${JSON.stringify(event.name)}`,
      'name',
    );
  }
  const pathFile = join(dir, name, event.path.file);
  let pathCsv: string;
  try {
    pathCsv = await readFile(pathFile, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `event ${file}: cannot read its path ${pathFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'path.file',
      { cause: error },
    );
  }
  return { event, pathCsv };
}

/** Puts every event after the event its book is carried over from; names must exist. */
export function orderEvents(events: readonly LoadedEvent[]): LoadedEvent[] {
  const byName = new Map(events.map((e) => [e.event.name, e]));
  const out: LoadedEvent[] = [];
  const placed = new Set<string>();
  const place = (e: LoadedEvent, chain: readonly string[]) => {
    if (placed.has(e.event.name)) return;
    const from = e.event.book.carryOver?.event;
    if (from !== undefined) {
      const earlier = byName.get(from);
      if (earlier === undefined || chain.includes(from)) {
        throw new InvalidInputError(
          `event ${e.event.name}: book.carryOver.event ${JSON.stringify(from)} is ${earlier === undefined ? 'not an event of the library' : 'a cycle'}`,
          'book.carryOver.event',
        );
      }
      place(earlier, [...chain, e.event.name]);
    }
    placed.add(e.event.name);
    out.push(e);
  };
  for (const e of [...events].sort((a, b) => a.event.name.localeCompare(b.event.name))) place(e, []);
  return out;
}

/**
 * Loads the events under `dir`, all of them or those named in `only` (plus the events their books
 * are carried over from).
 */
export async function loadEvents(dir: string, only?: readonly string[]): Promise<LoadedEvent[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    throw new InvalidInputError(
      `events folder ${dir}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'events',
      { cause: error },
    );
  }
  const unknown = (only ?? []).find((n) => !names.includes(n));
  if (unknown !== undefined) {
    throw new InvalidInputError(
      `--only: no event ${JSON.stringify(unknown)} in ${dir} (${names.join(', ')})`,
      'only',
    );
  }
  const all = orderEvents(await Promise.all(names.map((n) => loadOne(dir, n))));
  if (only === undefined) return all;
  const wanted = new Set(only);
  for (const e of [...all].reverse()) {
    const from = e.event.book.carryOver?.event;
    if (wanted.has(e.event.name) && from !== undefined) wanted.add(from);
  }
  return all.filter((e) => wanted.has(e.event.name));
}
