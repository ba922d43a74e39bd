/** Names of object identifiers as community.crypto's x509_certificate_info reports them. */

/** attribute types of names (subject, issuer): long names, and the short ones used in dirName: */
export const NAME_ATTRS: Record<string, [string, string]> = {
  '2.5.4.3': ['commonName', 'CN'],
  '2.5.4.6': ['countryName', 'C'],
  '2.5.4.7': ['localityName', 'L'],
  '2.5.4.8': ['stateOrProvinceName', 'ST'],
  '2.5.4.9': ['streetAddress', 'street'],
  '2.5.4.10': ['organizationName', 'O'],
  '2.5.4.11': ['organizationalUnitName', 'OU'],
  '2.5.4.5': ['serialNumber', 'serialNumber'],
  '2.5.4.4': ['surname', 'SN'],
  '2.5.4.42': ['givenName', 'GN'],
  '2.5.4.12': ['title', 'title'],
  '2.5.4.17': ['postalCode', 'postalCode'],
  '2.5.4.43': ['initials', 'initials'],
  '2.5.4.44': ['generationQualifier', 'generationQualifier'],
  '2.5.4.46': ['dnQualifier', 'dnQualifier'],
  '2.5.4.65': ['pseudonym', 'pseudonym'],
  '2.5.4.15': ['businessCategory', 'businessCategory'],
  '2.5.4.97': ['organizationIdentifier', 'organizationIdentifier'],
  '1.2.840.113549.1.9.1': ['emailAddress', 'emailAddress'],
  '0.9.2342.19200300.100.1.25': ['domainComponent', 'DC'],
  '0.9.2342.19200300.100.1.1': ['userId', 'UID'],
  '1.3.6.1.4.1.311.60.2.1.1': ['jurisdictionLocalityName', 'jurisdictionL'],
  '1.3.6.1.4.1.311.60.2.1.2': ['jurisdictionStateOrProvinceName', 'jurisdictionST'],
  '1.3.6.1.4.1.311.60.2.1.3': ['jurisdictionCountryName', 'jurisdictionC'],
};

export const EKU: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'TLS Web Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'TLS Web Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'E-mail Protection',
  '1.3.6.1.5.5.7.3.5': 'IPSec End System',
  '1.3.6.1.5.5.7.3.6': 'IPSec Tunnel',
  '1.3.6.1.5.5.7.3.7': 'IPSec User',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '1.3.6.1.5.5.7.3.10': 'dvcs',
  '1.3.6.1.5.5.7.3.17': 'ipsec Internet Key Exchange',
  '2.5.29.37.0': 'Any Extended Key Usage',
  '1.3.6.1.4.1.311.20.2.2': 'Microsoft Smartcardlogin',
  '1.3.6.1.5.2.3.5': 'Signing KDC Response',
};

export const SIGNATURE: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
  '1.2.840.10040.4.3': 'dsaWithSHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
};

/** node's EC curve names → cryptography's */
export const CURVES: Record<string, string> = { prime256v1: 'secp256r1', prime192v1: 'secp192r1' };
