// Entry of the GitHub Action bundle (action/dist/index.js, built by scripts/build-action.mjs); the code is action.ts.
import { main } from "./action.js";

await main();
