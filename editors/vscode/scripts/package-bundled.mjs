// Packages the extension for linux-x64 with the language server inside, at server/accord,
// so that installing dist/accord-linux-x64.vsix is all a user needs: no Rust, no PATH.
// The server is the repository's target/release/accord, built here by `cargo build
// --release` (a no-op when it is up to date), or the binary ACCORD_BIN names as it is.
// The package's files are copied to a temporary folder with the server beside them, so
// that no server/ is left in this folder for the plain package to pick up.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGET = 'linux-x64';
const EXTENSION_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const REPO_DIR = path.resolve(EXTENSION_DIR, '../..');
const OUTPUT = path.join(EXTENSION_DIR, 'dist', `accord-${TARGET}.vsix`);
const VSCE = path.join(EXTENSION_DIR, 'node_modules', '.bin', 'vsce');

function fail(message) {
  console.error(`package:bundled: ${message}`);
  process.exit(1);
}

function run(command, args, cwd) {
  execFileSync(command, args, { cwd, stdio: 'inherit' });
}

/** The server to ship: ACCORD_BIN, else the release build of this repository. */
function server() {
  if (process.env.ACCORD_BIN) {
    return path.resolve(process.env.ACCORD_BIN);
  }
  console.log(`package:bundled: cargo build --release in ${REPO_DIR}`);
  try {
    run('cargo', ['build', '--release', '--quiet'], REPO_DIR);
  } catch (error) {
    fail(
      `cargo build --release failed (${error.code ?? `exit ${error.status}`}); install Rust from ` +
        'https://rustup.rs, or set ACCORD_BIN to an accord binary built for linux-x64',
    );
  }
  return path.join(REPO_DIR, 'target', 'release', 'accord');
}

/** The version of the server; fails unless it is a 64-bit x86 Linux executable that runs, as the target needs. */
function checkServer(file) {
  let header;
  try {
    const fd = fs.openSync(file, 'r');
    header = Buffer.alloc(20);
    fs.readSync(fd, header, 0, header.length, 0);
    fs.closeSync(fd);
  } catch {
    fail(
      process.env.ACCORD_BIN
        ? `ACCORD_BIN names no readable file: ${file}`
        : `no server at ${file}: build it with \`cargo build --release\` at the repository root, or set ACCORD_BIN`,
    );
  }
  const elf = header.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  // EI_CLASS 2 is 64-bit, EI_DATA 1 little-endian, e_machine 0x3e x86-64.
  if (!elf || header[4] !== 2 || header[5] !== 1 || header.readUInt16LE(18) !== 0x3e) {
    fail(`${file} is not a Linux x86-64 executable, so it cannot ship in the ${TARGET} package`);
  }
  try {
    return execFileSync(file, ['--version'], { encoding: 'utf8' }).trim();
  } catch (error) {
    fail(`${file} --version failed: ${error.message}`);
  }
}

const serverFile = server();
const version = checkServer(serverFile);
console.log(`package:bundled: shipping ${serverFile} (${version})`);

run(process.execPath, ['scripts/build.mjs', '--minify'], EXTENSION_DIR);
// The plain package's file list, as .vscodeignore selects it.
const files = execFileSync(VSCE, ['ls', '--no-dependencies'], { cwd: EXTENSION_DIR, encoding: 'utf8' })
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '');
if (!files.includes('package.json') || !files.includes('dist/extension.js')) {
  fail(`vsce ls listed no package.json or dist/extension.js: ${files.join(', ')}`);
}

const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'accord-vsix-'));
try {
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    fs.copyFileSync(path.join(EXTENSION_DIR, file), path.join(staging, file));
  }
  // The staging folder holds only what ships: its .vscodeignore leaves nothing out.
  fs.writeFileSync(path.join(staging, '.vscodeignore'), '# These files were chosen by the extension\'s own .vscodeignore.\n');
  // vsce keeps each file's mode in the zip, and VS Code restores it on install.
  fs.mkdirSync(path.join(staging, 'server'));
  const shipped = path.join(staging, 'server', 'accord');
  fs.copyFileSync(serverFile, shipped);
  fs.chmodSync(shipped, 0o755);
  // The release profile keeps line tables for backtraces. The shipped copy drops them, a
  // quarter of the size, and keeps the symbols, so a backtrace still names its functions.
  try {
    execFileSync('strip', ['--strip-debug', shipped], { stdio: 'inherit' });
  } catch (error) {
    console.warn(`package:bundled: strip failed (${error.code ?? `exit ${error.status}`}), shipping the server with its debug info`);
  }
  fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
  run(
    VSCE,
    // The README's screenshots are the repository's (docs/images): its links stay as written.
    [
      'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--no-rewrite-relative-links',
      '--target', TARGET, '-o', OUTPUT,
    ],
    staging,
  );
} finally {
  fs.rmSync(staging, { recursive: true, force: true });
}
console.log(`package:bundled: ${path.relative(EXTENSION_DIR, OUTPUT)}`);
