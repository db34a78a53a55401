import { App } from 'cdktf';
import { DevStack } from './stack';

const app = new App();
new DevStack(app, 'dev');
app.synth();
