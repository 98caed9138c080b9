// The prompt seam's shape: the clack implementation lives in edges/prompts.ts, tests drive it through streams.

export interface Option {
  value: string;
  label?: string;
  hint?: string;
}

export interface Prompter {
  text(o: { message: string; placeholder?: string; initialValue?: string; validate?: (v: string) => string | undefined }): Promise<string>;
  confirm(o: { message: string; initialValue?: boolean }): Promise<boolean>;
  select(o: { message: string; options: Option[]; initialValue?: string }): Promise<string>;
  multiselect(o: { message: string; options: Option[]; initialValues?: string[]; required?: boolean }): Promise<string[]>;
  /**
   * A searchable list (timezones): `suggest` gives the options for what has been typed so far, and
   * `validate` sees the focused option (undefined when none matches) and the typed text.
   */
  autocomplete(o: {
    message: string;
    options: Option[];
    initialValue?: string;
    placeholder?: string;
    suggest?: (input: string) => Option[];
    validate?: (value: string | undefined, input: string) => string | undefined;
  }): Promise<string>;
}
