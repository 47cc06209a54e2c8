import { IsIn, IsNotEmpty, IsUrl } from 'class-validator';
import { WorkerEnvironment } from '@streamscribe/worker-runtime';

/** TEST ONLY: settings of a stand-in worker (see DeepgramProtocolStandIn). */
export class StandInWorkerEnvironment extends WorkerEnvironment {
  @IsIn(['whisper', 'parakeet', 'assemblyai'], {
    message: 'STAND_IN_PROVIDER must be whisper, parakeet or assemblyai',
  })
  STAND_IN_PROVIDER = '';

  @IsUrl(
    { require_tld: false, protocols: ['http'] },
    { message: "STAND_IN_FAKE_URL must be the FakeDeepgramServer's http URL" },
  )
  STAND_IN_FAKE_URL = '';

  @IsNotEmpty({ message: "STAND_IN_FAKE_API_KEY must be the FakeDeepgramServer's key" })
  STAND_IN_FAKE_API_KEY = '';
}
