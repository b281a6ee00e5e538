import type { IAuthenticateGeneric, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Where a WaSphere deployment is and the key to it. WaSphere is self-hosted, so the
 * base URL is the customer's own. The WaSphere node tests it without sending a message.
 */
export class WaSphereApi implements ICredentialType {
	name = 'waSphereApi';

	displayName = 'WaSphere API';

	icon = 'file:../icons/wasphere.svg' as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://api.yourdomain.com',
			description: 'The address of your WaSphere deployment, without a path',
		},
		{
			displayName: 'Workspace ID',
			name: 'workspaceId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8',
			description: 'The UUID in your dashboard URL',
		},
		{
			displayName: 'Session ID',
			name: 'sessionId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'my-session',
			description: 'The slug you gave the WhatsApp session: 1 to 64 letters, digits, _ or -',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'wsk_live_…',
			description: 'A key with the messages:send permission',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};
}
