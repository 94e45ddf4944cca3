#!/usr/bin/env node
// The `corndogs` command: runs the compiled CLI (built by `npm ci`).
import "../dist/cli/main.js";
