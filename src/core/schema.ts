// The manifest schema, imported as a module so the bundle carries it (no runtime file lookup).
import schema from '../../recipes.schema.json' with { type: 'json' };

export const SCHEMA: object = schema;
