// Builds the Allure 3 report the way `allure generate` does, plus the release gate's verdict.
//
//   node allure_build.mjs CORE CONFIG RESULTS [GATE]
//
// CORE: the file URL of @allurereport/core's index.js in the pinned Allure install; CONFIG: the
// allurerc.json; RESULTS: the allure-results directory; GATE (optional): a JSON list of quality
// gate results (juo-flowtest's gate, evaluated in Python). `allure generate` has no way to take
// them: Allure fills its Quality Gates tab only from `allure run`, which runs the tests itself.
// So this does what generate does (read the config, read the results, finish the report) and
// hands the gate's results to the report before it is written, as `allure run` and `allure log`
// do.
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";

const [core, configPath, resultsDir, gatePath] = process.argv.slice(2);
const { AllureReport, readConfig } = await import(core);
const config = await readConfig(dirname(configPath), configPath);
const report = new AllureReport(config);
await report.start();
await report.readDirectory(resultsDir);
if (gatePath) {
  const results = JSON.parse(await readFile(gatePath, "utf8"));
  report.realtimeDispatcher.sendQualityGateResults(results);
}
await report.done();
