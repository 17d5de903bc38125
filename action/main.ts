// Entry of the GitHub Action bundle (action/dist/index.js); the code is src/scan/action.ts.
import { main } from "../src/scan/action.js";

await main();
