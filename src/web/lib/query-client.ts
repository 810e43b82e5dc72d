import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { isRetryable } from "./api-error.js";
import { clearNetworkFailure, reportNetworkFailure } from "./network-problems.js";

/**
 * Server state lives here. Reads that fail for want of an answer are retried twice, then offered
 * to the user in the network banner; refused requests (4xx) are never retried blindly.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError(error, query) {
        if (isRetryable(error)) {
          reportNetworkFailure({ key: `query:${query.queryHash}`, retry: () => void query.fetch().catch(() => {}) });
        }
      },
      onSuccess(_data, query) {
        clearNetworkFailure(`query:${query.queryHash}`);
      },
    }),
    mutationCache: new MutationCache(),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        retry: (failures, error) => isRetryable(error) && failures < 2,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
