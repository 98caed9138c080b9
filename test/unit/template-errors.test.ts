// Template errors name the template's own file:line:column and the reason, in every command that renders
// (validate, recipe test and generation all go through renderPlan).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../../src/core/answers.js';
import { renderPlan, trimStatementLines } from '../../src/core/render.js';
import { unbalancedBrace } from '../../src/core/template-errors.js';
import { loadRecipeDir } from '../../src/recipes/load.js';

/** A one-family recipe whose greeting.txt template is `template` (plus optional extra files), in a temp dir. */
function recipeWith(template: string, extra: Record<string, string> = {}) {
  const dir = join(mkdtempSync(join(tmpdir(), 'tpl-err-')), 'r');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'recipe.json'),
    JSON.stringify({ name: 'r', description: 'd', version: '1.0.0', bases: { families: ['debian'], default: 'debian:bookworm-slim' }, files: [{ template: 'Dockerfile.eta', path: 'Dockerfile' }, { template: 'greeting.txt.eta', path: 'greeting.txt' }] }),
  );
  writeFileSync(join(dir, 'Dockerfile.eta'), 'FROM <%= it.base %>\nCMD ["true"]\n');
  writeFileSync(join(dir, 'greeting.txt.eta'), template);
  for (const [f, t] of Object.entries(extra)) writeFileSync(join(dir, f), t);
  return { dir, recipe: loadRecipeDir(dir) };
}

async function renderError(template: string, extra: Record<string, string> = {}): Promise<{ dir: string; message: string }> {
  const { dir, recipe } = recipeWith(template, extra);
  const answers = await resolveAnswers(recipe, {}, { interactive: false });
  try {
    renderPlan(recipe, answers, '0.0.0');
  } catch (e) {
    return { dir, message: (e as Error).message };
  }
  throw new Error('rendered without an error');
}

describe('template syntax errors', () => {
  it('a missing <% } %> names the line and column of the unclosed "{" and the reason', async () => {
    const { dir, message } = await renderError('one\n<% if (it.base) { %>\nyes\n<% for (const x of [1]) { %>\n<%= x %>\n<% } %>\nlast\n');
    expect(message).toBe(`${join(dir, 'greeting.txt.eta')}:2:17: "{" opened here is never closed (a missing <% } %>?) (Unexpected token 'catch')`);
    expect(message).not.toContain('__eta');
  });

  it('an unclosed tag names its line and column with eta\'s reason', async () => {
    const { dir, message } = await renderError('1\n2\n3\n4\n<%~ it.base \nmore\n');
    expect(message).toBe(`${join(dir, 'greeting.txt.eta')}:5:1: unclosed tag`);
  });

  it('a JavaScript syntax error inside a tag names the tag\'s line after trimmed statement lines', async () => {
    const { dir, message } = await renderError('a\n<% const x = 1; %>\n<% const y = 2; %>\nb\n  <%= it.base + %>\n');
    expect(message).toBe(`${join(dir, 'greeting.txt.eta')}:5:3: Unexpected token ';'`);
  });

  it('an extra "}" is named where it is', async () => {
    const { dir, message } = await renderError('a\n<% } %>\n');
    expect(message).toMatch(new RegExp(`^${join(dir, 'greeting.txt.eta').replace(/[.]/g, '\\.')}:2:4: "}" closes no block opened before it`));
  });

  it('a syntax error in an included file names that file, not the including one', async () => {
    const { dir, message } = await renderError('a\n<%~ include("./part.eta", it) %>\n', { 'part.eta': 'x\ny\n<% if (1) { %>\n' });
    expect(message).toMatch(new RegExp(`^${join(dir, 'part.eta')}:3:11: "\\{" opened here is never closed`));
  });
});

describe('errors thrown while rendering', () => {
  it('name the template line, counted in the file as written (statement lines trimmed from the output still count)', async () => {
    const { dir, message } = await renderError('line1\n<% if (true) { %>\n<% const a = 1; %>\nl4\n<% } %>\nl6\n<%= it.nope.deep %>\n');
    expect(message).toBe(`${join(dir, 'greeting.txt.eta')}:7: Cannot read properties of undefined (reading 'deep')`);
  });

  it('in an included file name that file and line', async () => {
    const { dir, message } = await renderError('a\n<%~ include("./part.eta", it) %>\n', { 'part.eta': 'x\n\n<%= it.set.none.x %>\n' });
    expect(message).toBe(`${join(dir, 'part.eta')}:3: Cannot read properties of undefined (reading 'x')`);
  });
});

describe('trimStatementLines', () => {
  it('keeps the line count (the newline moves into the tag) and drops the line from the output', () => {
    const src = 'a\n  <% if (x) { -%>\nb\n<% } %>\nc\n';
    const out = trimStatementLines(src);
    expect(out.split('\n').length).toBe(src.split('\n').length);
    expect(out).toBe('a\n<% if (x) { \n-%>b\n<% } \n%>c\n');
  });
  it('finds nothing wrong with balanced braces across tags and braces in strings', () => {
    expect(unbalancedBrace('<% if (a) { %>x<% } else { %>y<% } %><%= "}" + `{` %>')).toBeUndefined();
  });
});
