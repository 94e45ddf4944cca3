import { batchSuite } from "./batch-suite.js";

batchSuite("postgres", "grpc");
