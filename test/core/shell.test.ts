import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandShellTemplate, shQuote, shellScript, type ShellTemplateValues } from '../../lib/core/shell';
import { postgresPrimaryInitScript, postgresPromoteScript, postgresStartScript } from '../../lib/postgres/postgres-scripts';
import { pgbouncerStartScript } from '../../lib/postgres/pgbouncer';
import {
  redisClusterBootstrapScript,
  redisExporterAuthScript,
  redisStartupScript,
  redisTlsReloaderScript,
} from '../../lib/redis/redis-scripts';
import { redisSentinelStartupScript } from '../../lib/redis/redis-sentinel';

const LIB = path.join(__dirname, '../../lib');

/** Expands `file` from the given files (path -> text), as shellScript does from lib/. */
function expand(files: Record<string, string>, values: ShellTemplateValues = {}, file = 'a/main.sh'): string {
  return expandShellTemplate(file, values, (p) => {
    if (!(p in files)) throw new Error(`no such file: ${p}`);
    return files[p];
  });
}

/** The message of the Error `fn` throws. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, got none');
}

const FRAGMENT = '# shellcheck shell=sh\n# greet: says hello (this documentation is not copied).\n\ngreet() {\n  echo "@GREETING@"\n}\n';

describe('expandShellTemplate: placeholders', () => {
  test('replaces every @NAME@ by its value, numbers included, and leaves sh\'s own @ alone', () => {
    // GIVEN a template with placeholders beside "$@" and ${x%%@*}
    const files = { 'a/main.sh': '#!/bin/sh\nPORT=@PORT@\nHOST=@HOST@ # on @HOST@\necho "$@" "${x%%@*}"\n' };
    // WHEN it is expanded
    const out = expand(files, { PORT: 6379, HOST: "'redis-0'" });
    // THEN the values are in place and the rest is unchanged
    expect(out).toBe('#!/bin/sh\nPORT=6379\nHOST=\'redis-0\' # on \'redis-0\'\necho "$@" "${x%%@*}"\n');
  });

  test('inserts a value as given: a value holding @NAME@ is not expanded again', () => {
    expect(expand({ 'a/main.sh': 'X=@X@\n' }, { X: '@Y@' })).toBe('X=@Y@\n');
  });

  test('a template without placeholders comes back byte for byte', () => {
    const text = '#!/bin/sh\nset -eu\nprintf \'%s\\n\' "$1" | sed \'s/\\\\/\\\\\\\\/g\'\n\n';
    expect(expand({ 'a/main.sh': text })).toBe(text);
  });

  test('an unknown placeholder fails, naming the file and line', () => {
    expect(errorOf(() => expand({ 'a/main.sh': '#!/bin/sh\nX=@X@\nY=@NOT_GIVEN@\n' }, { X: 1 })))
      .toBe('a/main.sh:3: @NOT_GIVEN@ needs a string or number value, got: undefined');
  });

  test('a missing value fails: undefined, or a condition\'s boolean where text is needed', () => {
    expect(errorOf(() => expand({ 'a/main.sh': 'X=@X@\n' }, { X: undefined }))).toBe('a/main.sh:1: @X@ needs a string or number value, got: undefined');
    expect(errorOf(() => expand({ 'a/main.sh': 'X=@X@\n' }, { X: true }))).toBe('a/main.sh:1: @X@ needs a string or number value, got: true');
  });

  test('a value the template does not name fails (a typo cannot pass silently)', () => {
    expect(errorOf(() => expand({ 'a/main.sh': 'X=@X@\n' }, { X: 1, XX: 2 })))
      .toBe("a/main.sh: the value 'XX' is given but the template has no @XX@ nor '# @if XX'");
  });

  test('a template must end with a newline', () => {
    expect(errorOf(() => expand({ 'a/main.sh': 'echo hi' }))).toBe('a/main.sh: must end with a newline');
  });
});

describe('expandShellTemplate: conditions', () => {
  const files = {
    'a/main.sh': 'a\n# @if CLUSTER\ncluster\n  # @if TLS\n  tls\n  # @end\n# @else\nsingle\n# @end\nz\n',
  };

  test.each([
    [true, true, 'a\ncluster\n  tls\nz\n'],
    [true, false, 'a\ncluster\nz\n'],
    [false, true, 'a\nsingle\nz\n'],
  ])('CLUSTER=%s TLS=%s keeps the right lines, never the directives', (cluster, tls, expected) => {
    expect(expand(files, { CLUSTER: cluster, TLS: tls })).toBe(expected);
  });

  test('a placeholder in a dropped branch needs no value', () => {
    expect(expand({ 'a/main.sh': '# @if S\nS=@S_NAME@\n# @end\nend\n' }, { S: false, S_NAME: undefined })).toBe('end\n');
  });

  test('a condition needs a boolean', () => {
    expect(errorOf(() => expand(files, { CLUSTER: 'yes', TLS: true }))).toBe("a/main.sh:2: '# @if CLUSTER' needs a boolean value, got: yes");
    expect(errorOf(() => expand(files, { TLS: true }))).toBe("a/main.sh:2: '# @if CLUSTER' needs a boolean value, got: undefined");
  });

  test.each([
    ['an unclosed # @if', '# @if A\nx\n', "a/main.sh:1: '# @if A' has no '# @end'"],
    ['a stray # @end', 'x\n# @end\n', "a/main.sh:2: not a template directive: '# @end' (# @if NAME, # @else, # @end; an include is '. ./PATH # @include')"],
    ['a second # @else', '# @if A\n# @else\n# @else\n# @end\n', "a/main.sh:3: not a template directive: '# @else' (# @if NAME, # @else, # @end; an include is '. ./PATH # @include')"],
    ['an unknown directive', '# @iff A\n', "a/main.sh:1: not a template directive: '# @iff A' (# @if NAME, # @else, # @end; an include is '. ./PATH # @include')"],
    ['a condition name in lower case', '# @if a\n# @end\n', "a/main.sh:1: not a template directive: '# @if a' (# @if NAME, # @else, # @end; an include is '. ./PATH # @include')"],
  ])('%s fails', (_, text, message) => {
    expect(errorOf(() => expand({ 'a/main.sh': text }, { A: true }))).toBe(message);
  });
});

describe('expandShellTemplate: includes', () => {
  test('puts the fragment\'s text (without its documentation) in place of the line, indented as the line', () => {
    // GIVEN a script that includes a fragment at the top level and, indented, one from another folder
    const files = {
      'a/main.sh': '#!/bin/sh\n. ./greet.sh # @include\nif :; then\n  . ../b/lines.sh # @include\nfi\n',
      'a/greet.sh': FRAGMENT,
      'b/lines.sh': '# shellcheck shell=sh\n# Two lines and a blank one.\n\none\n\ntwo @GREETING@\n',
    };
    // WHEN it is expanded
    const out = expand(files, { GREETING: 'hello' });
    // THEN both fragments are in, filled from the script's values; a blank line stays blank (no trailing spaces)
    expect(out).toBe('#!/bin/sh\ngreet() {\n  echo "hello"\n}\nif :; then\n  one\n\n  two hello\nfi\n');
  });

  test('a fragment must start with the shellcheck shell directive', () => {
    const files = { 'a/main.sh': '. ./x.sh # @include\n', 'a/x.sh': '#!/bin/sh\n\necho\n' };
    expect(errorOf(() => expand(files))).toBe("a/x.sh: an included fragment must start with '# shellcheck shell=sh'");
  });

  test('a fragment needs its documentation, then a blank line', () => {
    const files = { 'a/main.sh': '. ./x.sh # @include\n', 'a/x.sh': '# shellcheck shell=sh\necho\n' };
    expect(errorOf(() => expand(files))).toBe('a/x.sh: a fragment starts with comment lines (its documentation), then a blank line, then its text');
  });

  test('a fragment that includes itself fails', () => {
    const files = { 'a/main.sh': '. ./x.sh # @include\n', 'a/x.sh': '# shellcheck shell=sh\n\n. ./x.sh # @include\n' };
    expect(errorOf(() => expand(files))).toBe('a/x.sh: includes itself (a/main.sh -> a/x.sh -> a/x.sh)');
  });

  test('an error in a fragment names the fragment\'s own line', () => {
    const files = { 'a/main.sh': '. ./greet.sh # @include\n', 'a/greet.sh': FRAGMENT };
    expect(errorOf(() => expand(files))).toBe('a/greet.sh:5: @GREETING@ needs a string or number value, got: undefined');
  });
});

describe('shellScript (the files under lib/)', () => {
  test('reads a script from lib/ and, without template syntax, ships it unchanged', () => {
    expect(shellScript('redis/scripts/exporter-auth.sh')).toBe(fs.readFileSync(path.join(LIB, 'redis/scripts/exporter-auth.sh'), 'utf8'));
    expect(redisExporterAuthScript()).toBe(shellScript('redis/scripts/exporter-auth.sh'));
  });

  test('shQuote quotes for sh, a single quote included', () => {
    expect(shQuote('/etc/redis')).toBe("'/etc/redis'");
    expect(shQuote("it's")).toBe("'it'\\''s'");
  });

  test('no placeholder or directive is left in any script the generators make', () => {
    // GIVEN each generator over props that take every branch of its template
    const auth = { secretName: 'auth', key: 'password' };
    const tls = { certFile: '/t/tls.crt', keyFile: '/t/tls.key', caFile: '/t/ca.crt' };
    const sentinel = { masterName: 'm', sentinels: [{ host: 's-0', port: 26379 }], firstBootPrimary: { host: 'r-0', port: 6379 } };
    const pg = { replicas: 2, appUser: 'app', appDatabase: 'app', appPassword: auth, poolerAuthPassword: auth, replicationPassword: auth };
    const scripts = [
      redisStartupScript({ mode: 'standalone', maxMemory: '100Mi', bind: ['127.0.0.1'] }),
      redisStartupScript({ mode: 'cluster', maxMemory: '2Gi', auth }),
      redisStartupScript({ mode: 'replicated', maxMemory: '500Mi', auth, sentinel, tls }),
      redisClusterBootstrapScript({ nodes: Array.from({ length: 6 }, (_, i) => ({ host: `r-${i}`, port: 6379 })), tls }),
      redisTlsReloaderScript({ port: 6379, tls, passwordFile: '/p' }),
      redisSentinelStartupScript({ ...sentinel, passwordFile: '/p', tls }),
      redisExporterAuthScript(),
      postgresStartScript(pg, 'primary'),
      postgresStartScript(pg, 'replica'),
      postgresPrimaryInitScript(pg),
      postgresPromoteScript(pg),
      pgbouncerStartScript({ authPassword: auth }),
    ];
    // THEN none holds template syntax, and each is a complete sh script
    for (const script of scripts) {
      expect(script).not.toMatch(/@[A-Z][A-Z0-9_]*@|# @(include|if|else|end)\b|shellcheck shell=/);
      expect(script.startsWith('#!/bin/sh\n')).toBe(true);
    }
  });
});
