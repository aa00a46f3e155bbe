import { tokenFromFragment } from './mailed-link';

describe('tokenFromFragment', () => {
  const token = `atk_${'a'.repeat(25)}.${'B_-9'.repeat(10)}abc`;

  it('when the fragment holds a token, then it is returned as it is', () => {
    expect(tokenFromFragment(`token=${token}`)).toBe(token);
  });

  it('when the fragment is empty, missing, too short or has spaces, then there is no token', () => {
    expect(tokenFromFragment(null)).toBeNull();
    expect(tokenFromFragment('')).toBeNull();
    expect(tokenFromFragment('token=short')).toBeNull();
    expect(tokenFromFragment('token=has%20a%20space%20inside%20it%20here')).toBeNull();
    expect(tokenFromFragment(`other=${token}`)).toBeNull();
  });
});
