import { contractSuite } from "./contract-suite.js";

contractSuite("postgres", "grpc");
