/** Token bucket per provider, shared by every worker instance (the provider's rate limit is global). */
export interface DeliveryProviderBucketTable {
  provider: string;
  tokens: number;
  refilled_at: Date;
}
