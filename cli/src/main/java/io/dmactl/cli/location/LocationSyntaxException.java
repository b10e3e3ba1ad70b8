package io.dmactl.cli.location;

/**
 * A location or size on the command line does not follow the syntax. The message quotes the
 * whole argument, the token that is wrong, and the forms that would have been accepted, so one
 * line is enough to fix it.
 */
public final class LocationSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String text;
    private final String token;

    public LocationSyntaxException(String text, String token, String message) {
        super(message);
        this.text = text;
        this.token = token;
    }

    /** The whole argument as the user typed it. */
    public String text() {
        return text;
    }

    /** The part of it that is wrong. */
    public String token() {
        return token;
    }
}
