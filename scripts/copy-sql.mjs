// Copies the stores' .sql files next to the compiled JavaScript, which
// loads them at run time from its own folder.
import { cpSync } from "node:fs";

cpSync("src/store", "dist/store", {
  recursive: true,
  filter: (path) => !/\.ts$/u.test(path),
});
