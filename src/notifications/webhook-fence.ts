// Webhook URLs must pass the source fence (src/sources/fence.ts) before the service starts,
// as they must at every delivery: a URL it refuses stops start-up naming the rule and at
// most the URL's scheme and host (its path may be the webhook's secret).
import { ConfigError } from '../config/env.ts';
import type { NotificationSettings } from '../config/notifications.ts';
import type { SourceFence } from '../sources/fence.ts';

export function checkWebhookUrls(settings: NotificationSettings, fence: SourceFence): NotificationSettings {
  for (const url of settings.webhookUrls) {
    const refused = fence.checkUrl(url);
    if (refused) throw new ConfigError('NOTIFY_WEBHOOK_URLS', `holds a URL the source fence refuses: ${refused}`);
  }
  return settings;
}
