import { describe, expect, it } from 'vitest';
import { describeCheck } from '../../src/engines/smoke.js';
import { smokeForAnswers } from '../../src/core/smoke.js';
import { builtinRecipe } from '../helpers/recipe.js';

describe('the smoke check a build is verified with', () => {
  const tomcat = builtinRecipe('tomcat', { imageName: 'shop' }).recipe.manifest;
  const lnmp = builtinRecipe('lnmp', { imageName: 'site' }).recipe.manifest;

  it("is the recipe's own while its questions keep their defaults (the sample it describes)", () => {
    expect(smokeForAnswers(tomcat, { war: '', context: '/', defaultWebapps: false })).toEqual(tomcat.smoke);
    expect(smokeForAnswers(tomcat, {})).toEqual(tomcat.smoke);
    // a multiselect in another order is the same answer
    expect(smokeForAnswers(lnmp, { extensions: [...(lnmp.questions!.find((q) => q.name === 'extensions')!.default as string[])].reverse() })).toEqual(lnmp.smoke);
  });

  it('is none once an answer changes what is served (a WAR, another context, an app dir): the HEALTHCHECK is verified instead', () => {
    expect(smokeForAnswers(tomcat, { war: 'app.war', context: '/', defaultWebapps: false })).toBeUndefined();
    expect(smokeForAnswers(tomcat, { war: '', context: '/shop' })).toBeUndefined();
    expect(smokeForAnswers(lnmp, { app: 'src' })).toBeUndefined();
  });

  it('describes each kind of check in one line', () => {
    expect(describeCheck(tomcat.smoke)).toBe('http :8080/ expecting "create-image Tomcat sample"');
    expect(describeCheck({ kind: 'tcp', port: 21, expect: '220' })).toBe('tcp :21 expecting "220"');
    expect(describeCheck({ kind: 'command', command: ['cat', '/etc/greeting'] })).toBe('command cat /etc/greeting');
    expect(describeCheck(undefined)).toBe('none');
  });
});
