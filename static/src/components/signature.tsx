/**
 * Electronic signatures in the panel (SPEC 2.3c): the signing fields a step asks for (meaning +
 * credential) and the signer's own enrolment (PIN, authenticator app). What a step accepts comes from
 * the server's step settings; enrolment state from signature.status. No QR library is installed, so
 * the authenticator secret is shown as its otpauth URI and key for manual entry, once.
 */
import { useState } from 'react';
import { QRCodeSVG } from 'qrcode.react';
import Button from '@atlaskit/button/new';
import { RadioGroup } from '@atlaskit/radio';
import Textfield from '@atlaskit/textfield';
import SectionMessage from '@atlaskit/section-message';
import { Stack, Text } from '@atlaskit/primitives';
import type { CredentialType, StepSignature } from '../../../src/core/domain/model';
import { call } from '../api';
import { useAction, useAsync } from '../hooks';
import { ErrorMessage } from './ui';
import { useFlag } from './feedback';

export interface SigningValue {
  meaning?: string;
  type: CredentialType;
  value: string;
}

export function initialSigning(settings: StepSignature): SigningValue {
  return { meaning: settings.meanings.length === 1 ? settings.meanings[0].code : undefined, type: settings.auth === 'totp' ? 'totp' : 'pin', value: '' };
}

/** The meaning pick-list and the credential of one signing. */
export function SigningFields({ settings, value, onChange }: { settings: StepSignature; value: SigningValue; onChange: (v: SigningValue) => void }) {
  return (
    <Stack space="space.100" testId="signing-fields">
      <Text weight="medium">Electronic signature: what does your signature mean?</Text>
      <RadioGroup
        name="signature-meaning"
        aria-label="Meaning of your signature"
        value={value.meaning ?? null}
        options={settings.meanings.map((m) => ({ name: 'signature-meaning', value: m.code, label: m.label, testId: `meaning-${m.code}` }))}
        onChange={(e) => onChange({ ...value, meaning: e.currentTarget.value })}
      />
      {settings.auth === 'pin_or_totp' && (
        <RadioGroup
          name="credential-type"
          aria-label="Sign with"
          value={value.type}
          options={[
            { name: 'credential-type', value: 'pin', label: 'Signing PIN' },
            { name: 'credential-type', value: 'totp', label: 'Authenticator code' },
          ]}
          onChange={(e) => onChange({ ...value, type: e.currentTarget.value as CredentialType, value: '' })}
        />
      )}
      <label htmlFor="signing-credential">
        <Text weight="medium">{value.type === 'pin' ? 'Your signing PIN' : 'Code from your authenticator app'}</Text>
      </label>
      <Textfield
        id="signing-credential"
        testId="signing-credential"
        type="password"
        autoComplete="off"
        value={value.value}
        onChange={(e) => onChange({ ...value, value: e.currentTarget.value })}
      />
    </Stack>
  );
}

/** The signer's own enrolment: set or change the PIN, enrol an authenticator app. */
export function SignatureEnrolment() {
  const status = useAsync(() => call('signature.status', {}), []);
  const flag = useFlag();
  const [newPin, setNewPin] = useState('');
  const [currentPin, setCurrentPin] = useState('');
  const [otpauth, setOtpauth] = useState<string>();
  const [code, setCode] = useState('');
  const setPin = useAction(
    () => call('signature.pin.set', { newPin, ...(currentPin ? { currentPin } : {}) }),
    () => {
      setNewPin('');
      setCurrentPin('');
      flag('Signing PIN saved');
      status.reload();
    },
  );
  const start = useAction(() => call('signature.enroll.start', { method: 'totp' }), (r) => setOtpauth(r.otpauthUri));
  const confirm = useAction(
    () => call('signature.enroll.confirm', { code }),
    () => {
      setOtpauth(undefined);
      setCode('');
      flag('Authenticator app enrolled');
      status.reload();
    },
  );
  const s = status.data;
  const secret = otpauth ? new URL(otpauth).searchParams.get('secret') : null;
  return (
    <Stack space="space.100" testId="signature-enrolment">
      {s?.locked && <SectionMessage appearance="warning">Signing is locked after too many wrong credentials{s.retryAfter ? `; try again in ${Math.ceil(s.retryAfter / 60)} minute(s)` : '; a site admin must reset your signature'}.</SectionMessage>}
      <Text>Signing PIN: {s?.pin ? 'set' : 'not set'} · Authenticator app: {s?.totp ? 'enrolled' : 'not enrolled'}</Text>
      <ErrorMessage error={setPin.error ?? start.error ?? confirm.error ?? status.error} />
      {s?.pin && (
        <>
          <label htmlFor="current-pin"><Text>Current PIN</Text></label>
          <Textfield id="current-pin" type="password" autoComplete="off" value={currentPin} onChange={(e) => setCurrentPin(e.currentTarget.value)} />
        </>
      )}
      <label htmlFor="new-pin"><Text>{s?.pin ? 'New PIN (8 to 64 characters)' : 'Choose a signing PIN (8 to 64 characters)'}</Text></label>
      <Textfield id="new-pin" testId="new-pin" type="password" autoComplete="new-password" value={newPin} onChange={(e) => setNewPin(e.currentTarget.value)} />
      <Button testId="save-pin" isDisabled={setPin.busy || newPin.length === 0} onClick={() => void setPin.run()}>
        {s?.pin ? 'Change PIN' : 'Set PIN'}
      </Button>
      {!otpauth ? (
        <Button testId="start-totp" isDisabled={start.busy} onClick={() => void start.run()}>
          {s?.totp ? 'Replace authenticator app' : 'Enrol an authenticator app'}
        </Button>
      ) : (
        <Stack space="space.050">
          <SectionMessage appearance="information" title="Add this key to your authenticator app (shown once)">
            <Text as="p">Scan this QR code with your authenticator app, or type the key below.</Text>
            {/* Dark modules on white in both themes: scanners need that contrast. */}
            <QRCodeSVG
              value={otpauth}
              size={176}
              marginSize={4}
              level="M"
              bgColor="#FFFFFF"
              fgColor="#000000"
              role="img"
              aria-label="QR code for enrolling your authenticator app"
              data-testid="totp-qr"
            />
            <Text as="p">Key: <code data-testid="totp-secret">{secret}</code></Text>
            <Text as="p" size="small">Or open this link on the phone with the app: <code>{otpauth}</code></Text>
          </SectionMessage>
          <label htmlFor="totp-code"><Text>Current 6-digit code</Text></label>
          <Textfield id="totp-code" testId="totp-code" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.currentTarget.value)} />
          <Button testId="confirm-totp" isDisabled={confirm.busy || code.length === 0} onClick={() => void confirm.run()}>
            Confirm
          </Button>
        </Stack>
      )}
    </Stack>
  );
}
