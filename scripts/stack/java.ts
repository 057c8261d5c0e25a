import fs from 'node:fs';
import path from 'node:path';

/** The Java runtime Kafka runs on: $JAVA_HOME if set, else `java` on the PATH (17+ works). */
export function kafkaJava(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/**
 * A Java 21+ runtime for Apicurio Registry 3, whose classes are compiled for Java 21. Looks at
 * $REGISTRY_JAVA_HOME, then $JAVA_HOME, then every JDK under /usr/lib/jvm, newest first.
 */
export function registryJava(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.REGISTRY_JAVA_HOME, env.JAVA_HOME, ...installedJdks()];
  for (const home of candidates) {
    if (!home) continue;
    const major = majorVersion(home);
    const java = path.join(home, 'bin', 'java');
    if (major !== undefined && major >= 21 && fs.existsSync(java)) return java;
  }

  throw new Error(
    'Apicurio Registry needs Java 21 or newer and none was found: install one ' +
      '(e.g. apt-get install openjdk-21-jre-headless, or a Temurin 21+ JDK) and, if it is not ' +
      'under /usr/lib/jvm, set REGISTRY_JAVA_HOME to its home directory',
  );
}

function installedJdks(): string[] {
  const root = '/usr/lib/jvm';
  try {
    const homes = fs.readdirSync(root).map((name) => path.join(root, name));
    return homes.sort((a, b) => (majorVersion(b) ?? 0) - (majorVersion(a) ?? 0));
  } catch {
    return [];
  }
}

/** The major version from a JDK's `release` file (JAVA_VERSION="21.0.2"). */
function majorVersion(home: string): number | undefined {
  try {
    const release = fs.readFileSync(path.join(home, 'release'), 'utf8');
    const version = /^JAVA_VERSION="(\d+)/m.exec(release)?.[1];
    return version === undefined ? undefined : Number(version);
  } catch {
    return undefined;
  }
}
