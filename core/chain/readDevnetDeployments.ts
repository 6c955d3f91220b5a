import { join } from 'node:path'
import { type L1Deployments, readDeployments } from '../../contracts/deploy.ts'

/** Parameters of `readDevnetDeployments`. */
export type ReadDevnetDeploymentsParameters = {
  /** the devnet's `DATA_DIR` (default ./data, relative to the current directory) */
  dataDir?: string
  /** the deployments file itself (`DEPLOYMENTS_FILE`; default `<dataDir>/deployments.json`) */
  file?: string
}

/**
 * Where a devnet's rollup lives on L1, as its sequencer recorded it on first start: undefined before then.
 * Node only (it reads a file). Hand the result to `createDevnetChain({ deployments })`.
 */
export function readDevnetDeployments({
  dataDir = './data',
  file,
}: ReadDevnetDeploymentsParameters = {}): L1Deployments | undefined {
  return readDeployments(file ?? join(dataDir, 'deployments.json'))
}
