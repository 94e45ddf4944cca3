import { contractSuite } from "./contract-suite.js";

contractSuite("sqlite", "json");
