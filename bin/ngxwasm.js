#!/usr/bin/env node
// The `ngxwasm` command; the implementation is compiled from cli/ into dist/cli/.
import { main } from "../dist/cli/index.js";

process.exitCode = await main(process.argv);
