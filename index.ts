// The ngxwasm AssemblyScript SDK, by package name: `import { Request, Response,
// handle } from "ngxwasm"`. asc 0.28 resolves a bare import to
// node_modules/<package>/index.ts (it ignores package.json's `ascMain`, which
// names this file for compilers that read it); `ngxwasm build` also finds it
// inside this repository and for a global install (cli/sdk-resolution.ts).
// Reference: sdk/README.md. Raw ABI bindings: "ngxwasm/sdk/raw".
export * from "./sdk/index";
