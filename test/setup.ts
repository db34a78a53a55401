import { Testing } from 'cdktf';
// Types of the matchers below.
import 'cdktf/lib/testing/adapters/jest';

// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, ...).
Testing.setupJest();
