import { App } from 'cdktf';
import { InvalidStack } from './stack';

const app = new App();
new InvalidStack(app, 'invalid');
app.synth();
