// --help and --version: exit 0, every command documents its options with examples.
import { beforeAll, describe, expect, it } from "vitest";
import { ensureCliBuilt, ROOT, runCli } from "./cli.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";

beforeAll(ensureCliBuilt);

const COMMANDS: Record<string, string[]> = {
  build: ["--out-dir", "--wat", "--debug", "--no-validate", "--host"],
  validate: ["--export", "--phase", "--host"],
  inspect: ["--json", "--host"],
  install: ["--tree", "--location", "--phase", "--export", "--directive", "--name", "--host"],
  dev: ["--port", "--host", "--host-mode", "--module", "--nginx", "--phase", "--location", "--origin", "--out-dir"],
};

describe("ngxwasm --help", () => {
  it("lists the commands", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
  });

  for (const [name, options] of Object.entries(COMMANDS)) {
    it(`${name} --help lists its options and examples`, async () => {
      const r = await runCli([name, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: ngxwasm ${name} `));
      for (const option of options) expect(r.stdout).toContain(option);
      expect(r.stdout).toMatch(new RegExp(`Examples:\\n {2}\\$ ngxwasm ${name} `));
    });
  }

  it("--version prints the package version", async () => {
    const r = await runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });

  it("no command or an unknown one is a usage error (exit 2)", async () => {
    expect((await runCli([])).code).toBe(2);
    const r = await runCli(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
