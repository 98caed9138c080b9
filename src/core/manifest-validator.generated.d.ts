// Types for the generated standalone validator (scripts/gen-validator.mjs).
export interface ValidatorError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}
export declare const validate: ((data: unknown) => boolean) & { errors?: ValidatorError[] | null };
export default validate;
