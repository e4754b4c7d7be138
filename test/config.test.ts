import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateModel, loadModel } from '../src/cat/index.js';
import { readHerdConfig } from '../src/config/cfg-file.js';
import { resolveConfig } from '../src/config/index.js';
import { findHerdFile, ORDO_LIBRARY } from '../src/config/search-path.js';
import { OrdoError } from '../src/diagnostics.js';
import { messagePassing } from './support/cat-models.js';

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'ordo-config-')));

function write(rel: string, text: string): string {
  const p = join(dir, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

function errorOf(fn: () => unknown): OrdoError {
  try {
    fn();
  } catch (e) {
    if (e instanceof OrdoError) return e;
    throw e;
  }
  assert.fail('expected an OrdoError');
}

/** Runs fn with the current directory set to `cwd` (herd7's first search directory). */
function inDir<T>(cwd: string, fn: () => T): T {
  const old = process.cwd();
  process.chdir(cwd);
  try {
    return fn();
  } finally {
    process.chdir(old);
  }
}

const MP = messagePassing();

test('cfg: model/cat, bell, macros, variant, include and the run settings are read', () => {
  const cfg = readHerdConfig(
    write(
      'a/all.cfg',
      [
        '# a comment',
        'model m.cat',
        'bell b.bell',
        'macros d.def',
        'variant lkmmv2,mixed',
        'include inc',
        'skipchecks happens-before,propagation',
        'skipchecks rcu',
        'through invalid',
        'unroll 5',
        'speedcheck fast',
        'timeout = 2.5',
        'verbose 1',
        'initwrites true',
        '',
      ].join('\n'),
    ),
  );
  assert.equal(cfg.model?.name, 'm.cat');
  assert.deepEqual(cfg.model?.where, { file: join(dir, 'a/all.cfg'), line: 2, col: 7 });
  assert.equal(cfg.bell?.name, 'b.bell');
  assert.equal(cfg.macros?.name, 'd.def');
  assert.deepEqual(cfg.includeDirs, ['inc']);
  assert.deepEqual(cfg.settings, {
    variants: ['lkmmv2', 'mixed'],
    skipchecks: ['happens-before', 'propagation', 'rcu'],
    through: 'invalid',
    unroll: 5,
    speedcheck: 'fast',
    timeout: 2.5,
    verbose: 1,
  });
  const cat = readHerdConfig(write('a/cat.cfg', 'cat other.cat\n'));
  assert.equal(cat.model?.name, 'other.cat', '`cat` is a synonym of `model`');
});

test('cfg: display keys are checked and kept, in order, for the graph output', () => {
  const cfg = readHerdConfig(
    write(
      'disp.cfg',
      'graph columns\nsquished true\nshow prop\nedgeattr hb,color,indigo\nxscale 2.0\n',
    ),
  );
  assert.deepEqual(
    cfg.display.map((d) => [d.key, d.value, d.where.line]),
    [
      ['graph', 'columns', 1],
      ['squished', 'true', 2],
      ['show', 'prop', 3],
      ['edgeattr', 'hb,color,indigo', 4],
      ['xscale', '2.0', 5],
    ],
  );
  const bad = errorOf(() => readHerdConfig(write('disp-bad.cfg', 'graph columns\nsquished yes\n')));
  assert.match(bad.format(), /disp-bad\.cfg:2:10: squished takes true or false, not yes/);
});

test('cfg: unknown keys, bad values and unsupported keys are errors naming file:line', () => {
  const unknown = errorOf(() => readHerdConfig(write('u.cfg', 'model m.cat\nmodle x.cat\n')));
  assert.match(unknown.format(), /u\.cfg:2:1: Unknown key 'modle' in configuration file/);
  const dashed = errorOf(() => readHerdConfig(write('d.cfg', '-model m.cat\n')));
  assert.match(dashed.format(), /d\.cfg:1:1: Unknown key in configuration file/);
  const variant = errorOf(() => readHerdConfig(write('v.cfg', 'variant bogus\n')));
  assert.match(variant.format(), /v\.cfg:1:9: tag bogus for variant is wrong, allowed tags are /);
  const through = errorOf(() => readHerdConfig(write('t.cfg', '\nthrough most\n')));
  assert.match(through.format(), /t\.cfg:2:9: through takes none, invalid or all, not most/);
  const speed = errorOf(() => readHerdConfig(write('s.cfg', 'speedcheck maybe\n')));
  assert.match(speed.format(), /s\.cfg:1:12: speedcheck takes true, false or fast/);
  const unroll = errorOf(() => readHerdConfig(write('r.cfg', 'unroll two\n')));
  assert.match(unroll.format(), /r\.cfg:1:8: unroll takes a whole number, not two/);
  const init = errorOf(() => readHerdConfig(write('i.cfg', 'initwrites false\n')));
  assert.match(init.format(), /i\.cfg:1:12: initwrites false is not supported/);
  const unsupported = errorOf(() => readHerdConfig(write('o.cfg', 'optace true\n')));
  assert.match(unsupported.format(), /o\.cfg:1:1: configuration key 'optace' is not supported/);
  const novalue = errorOf(() => readHerdConfig(write('n.cfg', 'model\n')));
  assert.match(novalue.format(), /n\.cfg:1:1: key 'model' needs a value/);
});

test('search path: current directory, then -I in order, then $HERDLIB, then Ordo models', () => {
  write('cwd/x.cat', '"cwd"\n');
  write('i1/x.cat', '"i1"\n');
  write('i1/y.cat', '"i1"\n');
  write('i2/y.cat', '"i2"\n');
  write('i2/z.cat', '"i2"\n');
  write('lib/z.cat', '"herdlib"\n');
  write('lib/w.cat', '"herdlib"\n');
  const saved = process.env.HERDLIB;
  process.env.HERDLIB = join(dir, 'lib');
  try {
    inDir(join(dir, 'cwd'), () => {
      const dirs = [join(dir, 'i1'), join(dir, 'i2')];
      assert.equal(findHerdFile('x.cat', dirs), join(dir, 'cwd/x.cat'));
      assert.equal(findHerdFile('y.cat', dirs), join(dir, 'i1/y.cat'));
      assert.equal(findHerdFile('z.cat', dirs), join(dir, 'i2/z.cat'));
      assert.equal(findHerdFile('w.cat', dirs), join(dir, 'lib/w.cat'));
      assert.equal(findHerdFile('cross.cat', dirs), join(ORDO_LIBRARY[0], 'cross.cat'));
      // ./ and ../ names are not searched for.
      assert.equal(findHerdFile('./y.cat', dirs), null);
      assert.equal(findHerdFile('../i2/y.cat', dirs), join(dir, 'i2/y.cat'));
    });
  } finally {
    if (saved === undefined) delete process.env.HERDLIB;
    else process.env.HERDLIB = saved;
  }
});

test('search path: a cfg in an -I directory, and the files it names, are found from anywhere', () => {
  write('kernel/k.cfg', 'macros k.def\nbell k.bell\nmodel k.cat\n');
  write('kernel/k.def', '');
  write('kernel/k.bell', '"bell"\nenum T = \'a || \'b\n');
  write('kernel/k.cat', '"cat"\ninclude "k-inc.cat"\nacyclic po | rf as ok\n');
  write('kernel/k-inc.cat', 'let nothing = 0\n');
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(elsewhere, { recursive: true });
  const resolved = inDir(elsewhere, () =>
    resolveConfig({ conf: 'k.cfg', includeDirs: [join(dir, 'kernel')] }),
  );
  assert.equal(resolved.model.catFile, join(dir, 'kernel/k.cat'));
  assert.equal(resolved.model.bellFile, join(dir, 'kernel/k.bell'));
  assert.equal(resolved.macrosFile, join(dir, 'kernel/k.def'));
  const m = inDir(elsewhere, () => loadModel(resolved.model));
  assert.ok(m.files.includes(join(dir, 'kernel/k-inc.cat')));
  // Without -I, herd7 finds nothing: the cfg's own directory is not searched.
  const missing = errorOf(() => inDir(elsewhere, () => resolveConfig({ conf: 'k.cfg' })));
  assert.match(missing.message, /cannot find file "k\.cfg" named by -conf/);
});

test('a missing file names the file (and line) that asked for it', () => {
  write('m/asks.cfg', 'graph columns\nmodel missing.cat\n');
  const fromCfg = errorOf(() => resolveConfig({ conf: join(dir, 'm/asks.cfg') }));
  assert.match(fromCfg.format(), /asks\.cfg:2:7: cannot find file "missing\.cat"/);
  write('m/inc.cat', '"t"\n\ninclude "nowhere.cat"\n');
  const fromCat = errorOf(() =>
    loadModel({ catFile: join(dir, 'm/inc.cat'), variants: [], includeDirs: [] }),
  );
  assert.match(fromCat.format(), /inc\.cat:3:1: cannot find file "nowhere\.cat"/);
  const fromOption = errorOf(() => resolveConfig({ model: 'no-such-model.cat' }));
  assert.match(fromOption.message, /cannot find file "no-such-model\.cat" named by -model/);
});

test('skipchecks and through: named checks are not applied; through lets failing checks pass', () => {
  const cat = write(
    'checks.cat',
    '"checks"\nacyclic po | rf | (rf^-1) as cyc\nempty rf as norf\nflag ~empty rf as has-rf\n',
  );
  const base = { catFile: cat, variants: [], includeDirs: [] };
  const verdict = (extra: object) => {
    const [o] = evaluateModel(loadModel({ ...base, ...extra }), MP);
    return { allowed: o.allowed, flags: o.flags };
  };
  assert.deepEqual(verdict({}), { allowed: false, flags: [] });
  assert.deepEqual(verdict({ skipchecks: ['cyc'] }), { allowed: false, flags: [] });
  assert.deepEqual(verdict({ skipchecks: ['cyc', 'norf'] }), {
    allowed: true,
    flags: ['has-rf'],
  });
  assert.deepEqual(verdict({ skipchecks: ['cyc', 'norf', 'has-rf'] }), {
    allowed: true,
    flags: [],
  });
  for (const through of ['invalid', 'all'] as const)
    assert.deepEqual(verdict({ through }), { allowed: true, flags: ['has-rf'] });
});
