import { App } from 'cdktf';
import { MissionCriticalStack } from './stack';

const app = new App();
new MissionCriticalStack(app, 'mission-critical');
app.synth();
