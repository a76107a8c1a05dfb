/** The state store's types live with the live statistics that keep their figures in it (src/stats/StateStore.ts). */
export { cooldownKey, type StateStore, type StateStoreHealth, type StoredValue, type TripRule } from '../stats/StateStore.js';
