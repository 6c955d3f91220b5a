import type { Address, Hex } from 'viem'

/**
 * Contracts present at genesis, with the runtime code every Ethereum dev chain carries (byte-for-byte
 * what Anvil 1.7.1 serves at these addresses).
 */
export const PREDEPLOYS: readonly { name: string; address: Address; code: Hex }[] = [
  {
    // Arachnid's deterministic deployment proxy: `forge script` sends CREATE2 deployments here.
    name: 'Create2Deployer',
    address: '0x4e59b44847b379578588920ca78fbf26c0b4956c',
    code: '0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3',
  },
  {
    // EIP-2935 block hash history (Prague): the executor writes each parent hash into it.
    name: 'HistoryStorage',
    address: '0x0000f90827f1c53a10cb7a02335b175320002935',
    code: '0x3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500',
  },
]
