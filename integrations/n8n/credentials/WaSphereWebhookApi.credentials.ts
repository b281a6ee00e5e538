import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/** The secret WaSphere signs its webhook deliveries with. */
export class WaSphereWebhookApi implements ICredentialType {
	name = 'waSphereWebhookApi';

	displayName = 'WaSphere Webhook';

	icon = 'file:../icons/wasphere.svg' as const;

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The webhook signing secret from the WaSphere dashboard. Deliveries whose X-WaSphere-Signature does not match it are refused.',
		},
	];
}
