// better-sqlite3 is a native addon built for one ABI at a time: `npm start`
// rebuilds it for Electron (electron-builder install-app-deps), the tests and
// the CLI need it built for Node. Before the tests, rebuild it for Node if the
// current build does not load here.
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
} catch (err) {
  if (!/NODE_MODULE_VERSION|was compiled against a different Node\.js version|invalid ELF header|Module did not self-register/i.test(String(err))) throw err;
  console.error('better-sqlite3 was built for Electron; rebuilding it for Node (about a minute)…');
  execSync('npm rebuild better-sqlite3', { stdio: 'inherit' });
}
