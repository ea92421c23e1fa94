import { actions } from './actions'
import * as bp from './bp'
import { hitlChannel } from './channels/hitl'
import { handler } from './handler'
import { register, unregister } from './setup'

export default new bp.Integration({
  register,
  unregister,
  actions,
  channels: { hitl: hitlChannel },
  handler,
})
