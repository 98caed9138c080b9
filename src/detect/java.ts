// Java: a Maven (pom.xml) or Gradle (build.gradle[.kts]) project builds a jar in a build stage and runs it
// on a JRE; a WAR (packaging war, the war plugin) is deployed to Tomcat as the tomcat recipe does.
import { at, exists, fact, filesIn, findPort } from './read.js';
import type { DetectedApp, Fact, Provider } from './types.js';

export const java: Provider = {
  stack: 'java',
  markers: ['pom.xml', 'build.gradle', 'build.gradle.kts'],
  bases: { packaged: '21', images: ['eclipse-temurin', 'openjdk'] },
  detect(snap, dir) {
    const pom = snap.text(at(dir, 'pom.xml'));
    const gradleFile = ['build.gradle.kts', 'build.gradle'].find((f) => exists(snap, at(dir, f)));
    if (pom === undefined && !gradleFile) return undefined;
    const gradle = gradleFile ? (snap.text(at(dir, gradleFile)) ?? '') : '';
    const facts: Fact[] = [];
    const set: DetectedApp['set'] = { stack: 'java', app: dir === '.' ? '' : dir };
    const tool = pom !== undefined ? 'maven' : 'gradle';
    set.tool = tool;
    const wrapper = tool === 'maven' ? exists(snap, at(dir, 'mvnw')) : exists(snap, at(dir, 'gradlew'));
    if (wrapper) set.wrapper = true;
    facts.push(
      fact(
        'build',
        wrapper ? `${tool} through its wrapper (./${tool === 'maven' ? 'mvnw' : 'gradlew'}), which fetches the version the project names` : tool === 'gradle' ? "gradle from the official gradle image (Debian's gradle 4.4 cannot read today's build files)" : tool,
        wrapper ? (tool === 'maven' ? '.mvn/wrapper/maven-wrapper.properties' : 'gradle/wrapper/gradle-wrapper.properties') : pom !== undefined ? 'pom.xml' : gradleFile!,
      ),
    );
    const version =
      (/<(?:maven\.compiler\.release|maven\.compiler\.target|java\.version|release)>\s*(\d+)/.exec(pom ?? '') ?? /languageVersion(?:\.set\(|\s*=\s*)JavaLanguageVersion\.of\((\d+)\)/.exec(gradle) ?? /sourceCompatibility\s*=\s*['"]?(?:JavaVersion\.VERSION_)?(\d+)/.exec(gradle))?.[1];
    if (version) facts.push(fact('runtime', `java ${version}`, pom !== undefined ? 'pom.xml compiler release' : `${gradleFile} toolchain`));
    const war = /<packaging>\s*war\s*<\/packaging>/.test(pom ?? '') || /\bid\s*\(?\s*['"]war['"]|apply plugin:\s*['"]war['"]/.test(gradle);
    set.artifact = war ? 'war' : 'jar';
    facts.push(fact('artifact', war ? 'war, deployed to Tomcat' : 'jar, run with java -jar', war ? 'packaging war' : 'packaging jar (default)'));
    const props = filesIn(snap, dir).find((f) => /src\/main\/resources\/application\.(properties|ya?ml)$/.test(f));
    const springPort = props ? /server\.port\s*[=:]\s*(\d+)/.exec(snap.text(at(dir, props)) ?? '')?.[1] : undefined;
    const found = springPort ? { port: Number(springPort), evidence: `server.port in ${props}` } : findPort(snap, dir, filesIn(snap, dir).filter((f) => f.endsWith('.java')).slice(0, 200));
    const port = found?.port ?? 8080;
    facts.push(fact('port', String(port), found?.evidence ?? (war ? "Tomcat's connector" : 'Spring Boot / servlet default')));
    const health = actuatorHealth(pom ?? gradle, props ? (snap.text(at(dir, props)) ?? '') : '');
    if (health) {
      set.health = health;
      facts.push(fact('health', health, `spring-boot-starter-actuator in ${pom !== undefined ? 'pom.xml' : gradleFile!}`));
    }
    return { stack: 'java', dir, facts, runtime: version ? { name: 'java', version } : { name: 'java' }, port, env: (war ? {} : { PORT: String(port) }) as Record<string, string>, set, notes: [] };
  },
};

/**
 * Spring Boot's actuator health endpoint when the build has the actuator: it answers 503 when the app is
 * down, which a HEALTHCHECK should see. Not when the actuator listens on a port of its own
 * (management.server.port) or under a base path the health question cannot take.
 */
function actuatorHealth(build: string, props: string): string | undefined {
  if (!/spring-boot-starter-actuator/.test(build)) return undefined;
  // application.properties keys, or application.yml's nesting
  if (/management\.server\.port|^management:[\s\S]*?\n\s+server:\s*\n\s+port:/m.test(props)) return undefined;
  const base = /^\s*(?:management\.endpoints\.web\.)?base-path\s*[=:]\s*["']?(\/[A-Za-z0-9_./-]*?)\/?["']?\s*$/m.exec(props)?.[1] ?? '/actuator';
  return `${base.replace(/\/$/, '')}/health`;
}
