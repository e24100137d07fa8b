/** Every area of the admin page, in menu order: the one list the server and the API docs use. */
import type { FastifyPluginAsync } from 'fastify';
import type { AdminContext } from './context.js';
import { activityRoutes } from './routes/activity.js';
import { backupRoutes } from './routes/backup.js';
import { emailSettingsRoutes } from './routes/email-settings.js';
import { reportRoutes } from './routes/report.js';
import { metricsRoutes } from './routes/metrics.js';
import { devicesRoutes } from './routes/devices.js';
import { listsRoutes } from './routes/lists.js';
import { overviewRoutes } from './routes/overview.js';
import { profilesRoutes } from './routes/profiles.js';
import { schedulesRoutes } from './routes/schedules.js';
import { settingsRoutes } from './routes/settings.js';

export const ADMIN_ROUTES: ReadonlyArray<FastifyPluginAsync<{ ctx: AdminContext }>> = [
  overviewRoutes, devicesRoutes, profilesRoutes, schedulesRoutes, listsRoutes, activityRoutes, reportRoutes, settingsRoutes, emailSettingsRoutes, backupRoutes, metricsRoutes,
];
