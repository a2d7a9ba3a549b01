// The shared contract suite over the runner's real HTTP transport: cookies for the owner's
// session (one jar per client), bearer tokens for token clients.
import { runContractSuite, type SuiteTransport } from '../../core/api/test-support/contract-suite.js';
import { HttpClient } from './test-support/http-client.js';
import { LEAP_DAY_TICKS, startFixture } from './test-support/runner-fixture.js';

async function overHttp(): Promise<SuiteTransport> {
  // The suite counts rows: a minute tick crossing its test would write the daily attachment check.
  const f = await startFixture({ runner: { schedulerCron: LEAP_DAY_TICKS } });
  const owner = f.client();
  return {
    owner: () => owner,
    anonymous: () => new HttpClient(f.base),
    bearer: (token) => HttpClient.bearer(f.base, token),
    rowCounts: () => f.rowCounts(),
    close: () => f.close(),
  };
}

runContractSuite('runner over HTTP', overHttp);
