#!/usr/bin/env node
// The `torsion` command (see `torsion --help`); the code is in src/cli/.
import { main } from "../dist/cli/bin.js";

await main();
