// The one place that talks to @clack/prompts. Streams are injectable so tests drive real prompts.
import type { Readable, Writable } from 'node:stream';
import * as clack from '@clack/prompts';
import type { Option, Prompter } from '../core/answers.js';
import { CancelledError } from '../core/errors.js';

export interface PromptStreams {
  input?: Readable;
  output?: Writable;
}

function unwrap<T>(value: T | symbol): Exclude<T, symbol> {
  if (clack.isCancel(value)) throw new CancelledError();
  return value as Exclude<T, symbol>;
}

const opts = (o: Option[]) => o.map((x) => ({ value: x.value, label: x.label ?? x.value, ...(x.hint ? { hint: x.hint } : {}) }));

export function clackPrompter(io: PromptStreams = {}): Prompter {
  return {
    text: async (o) =>
      unwrap(
        await clack.text({
          ...io,
          message: o.message,
          ...(o.placeholder ? { placeholder: o.placeholder } : {}),
          ...(o.initialValue !== undefined ? { initialValue: o.initialValue } : {}),
          ...(o.validate ? { validate: (v: string | undefined) => o.validate!(v ?? '') } : {}),
        }),
      ) ?? '',
    confirm: async (o) => unwrap(await clack.confirm({ ...io, message: o.message, initialValue: o.initialValue ?? false })),
    select: async (o) =>
      unwrap(await clack.select<string>({ ...io, message: o.message, options: opts(o.options), ...(o.initialValue ? { initialValue: o.initialValue } : {}) })),
    multiselect: async (o) =>
      unwrap(
        await clack.multiselect<string>({
          ...io,
          message: o.message,
          options: opts(o.options),
          initialValues: o.initialValues ?? [],
          required: o.required ?? false,
        }),
      ),
    autocomplete: async (o) => {
      // With `suggest`, the options follow what is typed (clack asks for them with the prompt as `this`),
      // and Enter with nothing matching is a validation message, never an undefined answer.
      let typed = '';
      const suggest = o.suggest;
      const options = suggest
        ? function (this: { userInput: string }) {
            typed = this.userInput ?? '';
            return opts(suggest(typed));
          }
        : opts(o.options);
      const validate = o.validate ?? ((v: string | undefined) => (v === undefined ? 'nothing matches: choose an entry from the list' : undefined));
      return unwrap(
        await clack.autocomplete<string>({
          ...io,
          message: o.message,
          options,
          ...(suggest ? { filter: () => true } : {}),
          validate: (v) => validate(v as string | undefined, typed),
          ...(o.initialValue ? { initialValue: o.initialValue } : {}),
          ...(o.placeholder ? { placeholder: o.placeholder } : {}),
          maxItems: 8,
        }),
      );
    },
  };
}

export interface UI {
  intro(title: string): void;
  outro(message: string): void;
  note(message: string, title?: string): void;
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
}

export function clackUI(io: PromptStreams = {}): UI {
  const o = io.output ? { output: io.output } : {};
  return {
    intro: (t) => clack.intro(t, o),
    outro: (m) => clack.outro(m, o),
    note: (m, t) => clack.note(m, t, o),
    info: (m) => clack.log.info(m, o),
    warn: (m) => clack.log.warn(m, o),
    success: (m) => clack.log.success(m, o),
  };
}
