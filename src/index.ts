import * as sdk from '@botpress/sdk'
import { actions } from './actions'
import type * as bp from './bp'
import { hitlChannel } from './channels/hitl'
import { handler } from './handler'
import { register, unregister } from './setup'

export default new sdk.Integration<bp.Integration>({
  register,
  unregister,
  actions,
  channels: { hitl: hitlChannel },
  handler,
})
