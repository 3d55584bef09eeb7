package dev.cohort.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * The token issuer of a Cohort that runs without an identity provider: an RSA key pair in a directory
 * ({@code private.pem}, readable by its owner only, and {@code public.pem}, which the services verify tokens with,
 * {@code mp.jwt.verify.publickey.location}) and RS256 tokens signed with it. Deployments with an IdP do not need it.
 */
public final class LocalIssuer {

    /** The issuer and audience of the tokens, which the services expect by default. */
    public static final String ISSUER = "cohort";
    public static final String AUDIENCE = "cohort";

    private final Path publicKey;
    private final PrivateKey privateKey;

    private LocalIssuer(Path publicKey, PrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /** The issuer whose keys are in {@code dir}, creating them the first time; safe when several processes race. */
    public static LocalIssuer inDirectory(Path dir) {
        Path privatePem = dir.resolve("private.pem");
        Path publicPem = dir.resolve("public.pem");
        try {
            if (!Files.exists(publicPem)) {
                create(dir, privatePem, publicPem);
            }
            return new LocalIssuer(publicPem, readPrivateKey(privatePem));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot use the token keys in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The public key's file, for {@code mp.jwt.verify.publickey.location}. */
    public Path publicKey() {
        return publicKey;
    }

    /** A signed token for {@code subject} with these roles (the {@code groups} claim), valid for {@code ttl}. */
    public String mint(String subject, Duration ttl, Collection<String> roles) {
        return mint(subject, Instant.now().plus(ttl.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : ttl),
                roles);
    }

    /** A signed token for {@code subject} with these roles that expires at {@code expiresAt}. */
    public String mint(String subject, Instant expiresAt, Collection<String> roles) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setSubject(subject);
        claims.setClaim("upn", subject);
        claims.setStringListClaim("groups", List.copyOf(roles));
        claims.setIssuedAtToNow();
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        claims.setJwtId(UUID.randomUUID().toString());
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(privateKey);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setHeader("typ", "JWT");
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
    }

    /** Creates the pair under a file lock, so processes starting together agree on one pair. */
    private static synchronized void create(Path dir, Path privatePem, Path publicPem)
            throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        try (FileChannel lock = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = lock.lock()) {
            if (Files.exists(publicPem)) {
                return; // another process made them while this one waited
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Files.deleteIfExists(privatePem);
            Files.createFile(privatePem,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            // public.pem last: whoever sees it also finds the matching private.pem
            Path staged = dir.resolve(".public.pem.tmp");
            Files.writeString(staged, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
            Files.move(staged, publicPem, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
        String base64 = Files.readString(pem, StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
