// `node -r test/support/cdktn-register.js`: runs a program (an example's main.ts) on the cdktn flavor.
require('./cdktn-flavor').register();
