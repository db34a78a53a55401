import { App } from 'cdktf';
import { LocalTargetStack } from '../../src';
import { ProductionStack } from './stack';

const app = new App();
const production = new ProductionStack(app, 'production');
// `npx cdktf deploy production-local` brings the same cache up on this machine (the emulator); its outputs give the
// endpoint and the paths of the CA and password files. `npx cdktf destroy production-local` stops it.
new LocalTargetStack(app, 'production-local', { stack: production });
app.synth();
