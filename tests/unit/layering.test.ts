import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering in docs/ARCHITECTURE.md is held by eslint.config.js; these
// cases prove the rule fires for each forbidden direction and stays quiet for
// an allowed one.
const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import layering', () => {
  it('keeps node built-ins and electron out of shared/', async () => {
    expect(await restricted('shared/probe-layer.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
    expect(await restricted('shared/probe-layer.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(1);
    expect(await restricted('shared/probe-layer.ts', "import { Core } from '../electron/core/api';\nexport const x = Core;\n")).not.toHaveLength(0);
  });
  it('keeps node built-ins and electron out of renderer/', async () => {
    expect(await restricted('renderer/probe-layer.tsx', "import path from 'node:path';\nexport const x = path;\n")).toHaveLength(1);
    expect(await restricted('renderer/probe-layer.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n")).toHaveLength(1);
  });
  it('keeps electron out of electron/core/ but allows node there', async () => {
    expect(await restricted('electron/core/probe-layer.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(1);
    expect(await restricted('electron/core/probe-layer.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(0);
  });
  it('allows shared/ from the renderer', async () => {
    expect(await restricted('renderer/probe-layer.tsx', "import { api } from '../shared/api';\nexport const x = api;\n")).toHaveLength(0);
  });
});
