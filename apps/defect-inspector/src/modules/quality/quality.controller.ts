import { Body, Controller, Get, Header, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuthenticatedUser, CurrentUser, Roles } from '@vigil/platform';

import { CameraHealthQueryDto, ImageQueryDto, InspectionFilterDto, InspectionIdParam, InspectionQueryDto, PChartQueryDto, YieldQueryDto } from './dto/quality-query.dto';
import { RelabelDto } from './dto/relabel.dto';
import { QualityService } from './quality.service';

@ApiTags('inspections')
@Controller('inspections')
@Roles('viewer')
export class InspectionsController {
  constructor(private readonly quality: QualityService) {}

  @Get()
  @ApiOperation({ summary: 'Inspections, newest capture first, filtered by line, camera, class, verdict (the model’s), time and model version; paginated by cursor' })
  list(@Query() query: InspectionQueryDto) {
    return this.quality.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An inspection: verdict, class, score, threshold, model version, bbox, alignment, latency, and its label if relabelled' })
  detail(@Param() { id }: InspectionIdParam) {
    return this.quality.detail(id);
  }

  @Get(':id/image')
  @Header('cache-control', 'private, max-age=3600')
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'PNG' })
  @ApiOperation({ summary: 'PNG of a defective inspection: the crop with the heatmap overlaid (default), or the stored crop, heatmap or frame' })
  async image(@Param() { id }: InspectionIdParam, @Query() query: ImageQueryDto): Promise<StreamableFile> {
    return new StreamableFile(await this.quality.image(id, query.kind, query.scale), { type: 'image/png' });
  }

  @Post(':id/relabel')
  @Roles('engineer')
  @ApiOperation({ summary: 'Correct a verdict (FALSE_POSITIVE, MISSED_DEFECT or a defect class); stored as a training label, counted in yield and the p-chart, audited' })
  relabel(@Param() { id }: InspectionIdParam, @Body() change: RelabelDto, @CurrentUser() user: AuthenticatedUser) {
    return this.quality.relabel(id, change, user);
  }
}

@ApiTags('quality')
@Controller()
@Roles('viewer')
export class QualityController {
  constructor(private readonly quality: QualityService) {}

  @Get('gallery')
  @ApiOperation({ summary: 'Defect gallery: DEFECT verdicts with images, newest first, each with the URLs of its overlay, crop, heatmap and frame PNGs' })
  gallery(@Query() query: InspectionFilterDto) {
    return this.quality.gallery(query);
  }

  @Get('yield')
  @ApiOperation({ summary: 'First-pass yield per line and per shift (A 06-14, B 14-22, C 22-06 UTC), by effective verdict (labels override the model)' })
  yield(@Query() query: YieldQueryDto) {
    return this.quality.yield(query);
  }

  @Get('spc/p-chart')
  @ApiOperation({
    summary: 'A line’s p-chart (fraction defective per subgroup, p̄ and per-subgroup 3σ limits) with the Western Electric rules it breaks over this range (the alarms raised as hours closed: /spc/alarms)',
  })
  pChart(@Query() query: PChartQueryDto) {
    return this.quality.pChart(query);
  }

  @Get('cameras/health')
  @ApiOperation({
    summary:
      'Per camera over a window: frames received, refused, dropped, gaps, duplicates, late frames and resyncs, exactly, by Kafka time over the window’s whole 10 s buckets (the span stated), with its mean fps; the latest pipeline snapshot (fps, capture-to-ingest latency, alignment); and from the inspections in the window, pipeline and capture-to-verdict latency p50/p99 and alignment',
  })
  cameraHealth(@Query() query: CameraHealthQueryDto) {
    return this.quality.cameraHealth(query);
  }
}
