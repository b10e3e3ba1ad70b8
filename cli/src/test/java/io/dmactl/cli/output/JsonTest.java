package io.dmactl.cli.output;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.vfio.pci.PciAddress;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    enum Kind { HOST_MEMORY }

    public record Inner(String name, OptionalInt group) implements JsonRecord {
    }

    public record Outer(String text, long big, double rate, boolean flag, Optional<String> missing, OptionalLong present,
                        List<Inner> items, Kind kind, PciAddress address, Map<String, Object> extra) implements JsonRecord {
    }

    @Test
    void aReportRecordBecomesAnObjectAnIndependentParserReadsBack() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("n", 3);
        extra.put("empty", List.of());
        Outer outer = new Outer("quote \" backslash \\ newline \n tab \t bell \u0007 é", Long.MAX_VALUE, 2.5, true,
                Optional.empty(), OptionalLong.of(-1), List.of(new Inner("a", OptionalInt.of(5)), new Inner("b", OptionalInt.empty())),
                Kind.HOST_MEMORY, new PciAddress(0, 0, 3, 0), extra);

        JsonObject parsed = JsonParser.parseString(Json.render(outer)).getAsJsonObject();

        assertEquals(List.of("text", "big", "rate", "flag", "missing", "present", "items", "kind", "address", "extra"),
                List.copyOf(parsed.keySet()));
        assertEquals(outer.text(), parsed.get("text").getAsString());
        assertEquals(Long.MAX_VALUE, parsed.get("big").getAsLong());
        assertEquals(2.5, parsed.get("rate").getAsDouble());
        assertTrue(parsed.get("flag").getAsBoolean());
        assertTrue(parsed.get("missing").isJsonNull());
        assertEquals(-1, parsed.get("present").getAsLong());
        JsonArray items = parsed.getAsJsonArray("items");
        assertEquals(2, items.size());
        assertEquals("a", items.get(0).getAsJsonObject().get("name").getAsString());
        assertEquals(5, items.get(0).getAsJsonObject().get("group").getAsInt());
        assertTrue(items.get(1).getAsJsonObject().get("group").isJsonNull());
        assertEquals("host_memory", parsed.get("kind").getAsString());
        assertEquals("0000:00:03.0", parsed.get("address").getAsString(), "unmarked records print as toString()");
        assertEquals(3, parsed.getAsJsonObject("extra").get("n").getAsInt());
        assertEquals(0, parsed.getAsJsonObject("extra").getAsJsonArray("empty").size());
    }

    @Test
    void numbersJsonCannotHoldBecomeNull() {
        JsonElement parsed = JsonParser.parseString(Json.render(List.of(Double.NaN, Double.POSITIVE_INFINITY, 1.0)));
        assertTrue(parsed.getAsJsonArray().get(0).isJsonNull());
        assertTrue(parsed.getAsJsonArray().get(1).isJsonNull());
        assertEquals(1.0, parsed.getAsJsonArray().get(2).getAsDouble());
    }

    @Test
    void outputIsIndentedTwoSpacesPerLevel() {
        assertEquals("{\n  \"name\": \"a\",\n  \"group\": 1\n}", Json.render(new Inner("a", OptionalInt.of(1))));
        assertEquals("[]", Json.render(List.of()));
        assertEquals("null", Json.render(null));
    }

    @Test
    void stringsWithControlsBidiAndLoneSurrogatesAreEscapedAndReadBackExactly() {
        String hostile = "nl \n esc \u001b[2J del \u007f c1 \u0085\u009b rlo \u202e zwsp \u200b ls \u2028 lone \ud800 end \udc00"
                + " pair \ud83d\ude00 é";
        String rendered = Json.render(List.of(hostile));
        rendered.codePoints().forEach(c -> assertTrue(c == '\n' || !UserText.isUnsafe(c),
                () -> "raw U+" + Integer.toHexString(c) + " in " + rendered));
        assertTrue(rendered.contains("\\u001b[2J") && rendered.contains("\\u007f") && rendered.contains("\\u0085")
                && rendered.contains("\\u202e") && rendered.contains("\\ud800") && rendered.contains("\ud83d\ude00"), rendered);
        assertEquals(hostile, JsonParser.parseString(rendered).getAsJsonArray().get(0).getAsString());
    }
}
