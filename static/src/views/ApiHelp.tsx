/** Admin page → REST API: base URLs, scopes and how to enable App REST APIs for the site. */
import Heading from '@atlaskit/heading';
import { Box, Stack, Text } from '@atlaskit/primitives';
import { token } from '@atlaskit/tokens';
import { call } from '../api';
import { useAsync } from '../hooks';
import { ErrorMessage, Loading } from '../components/ui';

// @atlaskit/code supports React 18 only; the code font token keeps the look.
const code = { fontFamily: token('font.family.code') };

export function ApiHelp() {
  const info = useAsync(() => call('api.info', {}), []);
  if (info.loading && !info.data) return <Loading />;
  if (!info.data) return <ErrorMessage error={info.error} onRetry={info.reload} />;
  const i = info.data;
  return (
    <Stack space="space.200" testId="api-help">
      <Text as="p">External systems call ApprovalFlow through Forge app REST APIs, with an Atlassian OAuth 2.0 (3LO) bearer token. Base URLs:</Text>
      <Stack as="ul" space="space.050">
        {i.baseUrls.map((u) => (
          <Box as="li" key={u}>
            <Text as="span">
              <code style={code}>{u}</code>
            </Text>
          </Box>
        ))}
      </Stack>
      <Heading size="small" as="h2">
        Scopes
      </Heading>
      <Text as="p">
        Every token needs <code style={code}>{i.platformScope}</code> plus the scope of the route it calls:
      </Text>
      <Stack as="ul" space="space.050">
        {i.scopes.map((s) => (
          <Box as="li" key={s.name}>
            <Text>
              <code style={code}>{s.name}</code>: {s.description}
            </Text>
          </Box>
        ))}
      </Stack>
      <Heading size="small" as="h2">
        Enable App REST APIs
      </Heading>
      <Stack as="ol" space="space.050">
        {i.enableSteps.map((s) => (
          <Box as="li" key={s}>
            <Text>{s}</Text>
          </Box>
        ))}
      </Stack>
      <Text as="p" color="color.text.subtle">
        While App REST APIs are off for the site, every API call is refused with 403.
      </Text>
    </Stack>
  );
}
